"""Federation vocabulary: the link spec and the join spec records."""
