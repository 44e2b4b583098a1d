"""Qt-free maths on codes and weights: the numpy decoder, neighbours, paths, colour values."""
