"""Forum: public and private spaces, threads, posts and online advisory."""
