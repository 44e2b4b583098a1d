"""The datasets: Fashion-MNIST's IDX files (torchvision's layout and download), read and checked as untrusted."""
