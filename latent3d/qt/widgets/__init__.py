"""Generic widgets any feature may use: thumbnail grids, image views, step plots, dialogs."""
