"""The decoder map in 3-D: a textured quad on the map's plane."""
