"""Training from the window: the Train dialog, the training process's controller, the live run."""
