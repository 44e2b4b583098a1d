"""The loss curves: training and test loss over steps, per-class curves and their buttons."""
