"""What a training is, as typed values stored with its weights: model and training configs, snapshot schedule."""
