"""NED for DaVinci Resolve: send the timeline item under the playhead to a NED render node, import the plates.

Python 3.9+ (the Python Resolve finds on the system). Imports only ``ned_protocol`` and the standard
library; the Resolve API object is passed in (``resolve`` inside Resolve, ``DaVinciResolveScript`` outside).
"""

__version__ = "0.1.0"
