"""Version histories built from captures made elsewhere (``newsdiffs import warc``)."""
