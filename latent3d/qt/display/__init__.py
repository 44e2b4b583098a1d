"""What the cloud shows: the class legend, colour modes and the training-set overlay."""
