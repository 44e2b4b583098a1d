"""Groups in VTK: the group highlighted or isolated, trails, box and lasso selection."""
