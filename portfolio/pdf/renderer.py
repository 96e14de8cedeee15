"""HTML the app wrote -> an archival PDF: PDF/A-3b, tagged for accessibility, with files
attached (a manifest), fetching nothing but what ``fetcher`` allows."""

from dataclasses import dataclass, field

import weasyprint

from .fetcher import BASE_URL, StoredFilesOnly


@dataclass
class Attachment:
    name: str
    data: bytes
    description: str = ""


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    fetcher: StoredFilesOnly = field(repr=False)


def render(html: str, *, files: dict[str, str], attachments: list[Attachment] = ()) -> Rendered:
    """Render ``html``; ``files`` maps the storage keys it may embed to their content types."""
    fetcher = StoredFilesOnly(files)
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render()
    pdf = document.write_pdf(
        pdf_variant="pdf/a-3b",
        pdf_tags=True,
        attachments=[
            weasyprint.Attachment(
                string=item.data,
                name=item.name,
                description=item.description,
                relationship="Data",
            )
            for item in attachments
        ],
        uncompressed_pdf=False,
    )
    return Rendered(pdf, len(document.pages), fetcher)
