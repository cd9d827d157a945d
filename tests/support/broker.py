"""The tests' broker is the one the bench starts too: ``gateways.kafka.tansu``."""

from gateways.kafka.tansu import Broker, BrokerError, free_port

__all__ = ["Broker", "BrokerError", "free_port"]
