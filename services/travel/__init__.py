"""Travel: tickets and daily subsistence allowance for funded participants."""
