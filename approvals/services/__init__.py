"""Write paths of the approvals app, split by sub-domain (applications, review, chain, signatures,
deadlines). Views, tasks and commands call these; they never change state themselves."""
