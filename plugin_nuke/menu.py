"""NED plugin folder menu (run by Nuke in UI sessions): the NED node in the Nodes menu."""

import ned_nuke.callbacks
import nuke

ned_nuke.callbacks.register_menu(nuke)
