"""The GraphQL gateway: the one door for every client."""
