"""The activity (audit) log: every change, through any door, recorded in its own transaction."""
