"""The fields a new lead or deal gets from us (what a required field on the portal may miss)."""

FILLED = {"TITLE", "NAME", "PHONE", "COMMENTS", "SOURCE_ID", "SOURCE_DESCRIPTION",
          "STATUS_ID", "STATUS_DESCRIPTION", "ORIGINATOR_ID", "ORIGIN_ID", "STAGE_ID",
          "CATEGORY_ID"}
