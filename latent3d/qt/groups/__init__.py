"""Groups of test images: box and lasso selection, the group panel, its curve and trails."""
