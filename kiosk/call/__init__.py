"""Cloud-seat video calls: aiortc sessions, signaling, media tracks."""
