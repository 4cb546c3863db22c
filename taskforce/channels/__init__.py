"""Real-time channels: task-force conversations that never lose a message (DESIGN §4, §5)."""
