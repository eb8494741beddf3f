"""Generated demo league JSON (see adapters.espn.demo.generate); a package so it ships."""
