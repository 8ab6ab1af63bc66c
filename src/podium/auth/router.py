"""HTTP <-> service for this domain."""

from fastapi import APIRouter

router = APIRouter()
ext_router = APIRouter()
