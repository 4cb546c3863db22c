"""Joint trainings: partners schedule trainings together, fill seats across sectors, register, wait for a
freed seat, subscribe to feeds, attend and evaluate anonymously (issue 15)."""
