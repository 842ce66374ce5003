"""Headless NED render node (ZeroMQ ROUTER). Imports ned_core and ned_protocol; never imported by them."""
