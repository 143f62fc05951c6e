"""Document-camera frame processing: stillness, crop, deskew, quality checks (numpy/OpenCV)."""
