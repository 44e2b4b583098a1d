"""Training: the model, its fast step, the loop (a generator of snapshots), train-and-save, the training process.

Only the CLI and the training process import the torch modules here; the window reaches
``session`` and ``process`` alone, which load torch lazily inside the spawned process.
"""
