"""Hand-written building blocks of the demo catalogue (technology topics, challenges, phrases)."""
