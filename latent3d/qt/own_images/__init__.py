"""Your own images: drawn or opened, encoded by each snapshot's encoder, shown in the cloud."""
