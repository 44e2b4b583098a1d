"""The torch-free handle on a training: the job, its messages, the training process and its lifeline.

The window reaches training only through here; the child process imports the torch side
(``latent3d.training``) by module name, so nothing in this package puts torch on the viewer's imports.
"""
