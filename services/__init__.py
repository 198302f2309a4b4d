"""The five coordination services, one package each."""
