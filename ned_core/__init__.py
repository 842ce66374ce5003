"""NED core pipeline: plates -> analysis -> face3d -> direct -> render -> composite -> EXR plates."""

__version__ = "0.1.0"
