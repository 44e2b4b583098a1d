"""Aligned playback and a second run compared: the switch, the linked view, the agreement curve."""
