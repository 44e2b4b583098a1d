"""The timeline: the slider over training steps, its tick layers, play/pause, and the status line."""
