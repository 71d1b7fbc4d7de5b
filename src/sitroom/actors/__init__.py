"""Actor dictionary (data files) and the resolver that maps phrases to actors."""

from .dictionary import ActorDictionary, ActorEntry, Role, load_actor_dictionary
from .resolver import ActorMatcher, Mention

__all__ = ["ActorDictionary", "ActorEntry", "ActorMatcher", "Mention", "Role", "load_actor_dictionary"]
