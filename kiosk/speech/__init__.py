"""The digital clerk: recognition (vosk), knowledge base answering, dialogue, speech out."""
