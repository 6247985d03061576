"""The one toolkit for files that come from outside: what may be uploaded, how each kind is
checked, how spreadsheets are read, and how stored uploads are served back.

- `limits`: every size, dimension and ratio a file must keep to, and the child process's memory
  and time (docs/SECURITY.md lists them and what happens at each);
- `isolation`: runs a check or a read in a child process with those limits, so that no file can
  take the server down;
- `archives`: zip-based files (Office Open XML, OpenDocument) checked part by part before any
  part is opened;
- `images`: images checked by their declared dimensions before a pixel is decoded;
- `tabular`: spreadsheets and CSV files read into rows, each sheet's extent checked first;
- `uploads`: the upload policy (types judged by content, sizes, damage checks, stored names)
  and the response that serves a stored upload back.

Nothing here imports Django at module level except `uploads`, so the child process starts fast.
"""
