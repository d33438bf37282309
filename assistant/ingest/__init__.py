"""Ingestion: files -> text (`loaders`), text -> blocks (`segment`), blocks -> passages (`corpus`)."""
