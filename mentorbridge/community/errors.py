"""Community writes refuse with the project's one refusal type (core.refusals.Refusal), so views
catch the refusals of the services they call below (requests, enrollment) the same way."""

from mentorbridge.core.refusals import Refusal

CommunityError = Refusal
