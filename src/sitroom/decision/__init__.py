"""The trained decision stage: rules propose candidate events, a small model decides.

- ``features``: what a candidate looks like to the model (hashed strings);
- ``model``: the model file, the hybrid rule and the calibrated confidence;
- ``stage``: applies a model to the coder's events between coding and storing;
- ``training``: ``sitroom train`` from annotated text, cross-validated.
"""

from .features import Candidate
from .model import DecisionModel, default_model_path, load_model
from .stage import DecisionStage

__all__ = ["Candidate", "DecisionModel", "DecisionStage", "default_model_path", "load_model"]
