"""Own images in the cloud: markers at their codes and their trails."""
