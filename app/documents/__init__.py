"""Official documents: the catalogue of document kinds, rendering (WeasyPrint), signing (pyHanko),
verification and bulk jobs. Views and tasks go through `catalogue.load_subject`, which applies the
same scope as every list, so a document never shows a row its reader could not open."""
