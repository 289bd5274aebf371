"""Research data out of the archive: one streamed history per article, in the field's formats.

``newsdiffs export FORMAT OUT`` reads articles in id order, a batch at a time
(:func:`newsdiffs.storage.export_reads.article_histories`), and hands each article's history
to one writer per format. Memory stays flat: at most one batch of histories is held at once.
"""
