"""Display layers of the cloud: the highlighted class."""
