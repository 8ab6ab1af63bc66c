"""Attachments: files on tickets, uploaded through presigned URLs or fetched from a URL."""
