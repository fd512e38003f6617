"""Reply drafting: the knowledge base, the prompt, the generator and the fill-in."""
