-- One database per service: no service reads another's tables.
CREATE DATABASE registration;
CREATE DATABASE travel;
CREATE DATABASE documents;
CREATE DATABASE notifications;
CREATE DATABASE support;
