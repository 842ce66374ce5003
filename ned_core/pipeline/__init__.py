"""Orchestration of the stages over a shot: plates -> analysis -> fit (-> direct -> render -> plates)."""
