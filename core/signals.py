"""Signals of writes that bypass the models' own signals, for the apps whose derived rows must follow them."""

from django.dispatch import Signal

# Sent by restore_data inside its transaction, once every row of the backup is loaded (without save signals):
# apps count what they derive from the loaded rows again (projects: the aggregate cells).
data_restored = Signal()
