"""Training with torch: the model, its fast step, the loop (a generator of snapshots), train-and-save.

Only the CLI, the public API and the training child process (started by ``latent3d.job.process``,
which imports ``session`` here by name) import this package; the viewer never does.
"""
