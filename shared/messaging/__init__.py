"""JetStream: streams, the durable consumer runner, the dead-letter stream."""
