"""The 3-D view: the VTK widget, mouse gestures, camera easing, screenshots and movies."""
