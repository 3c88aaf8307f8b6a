-- riskmap schema v6: demo tokens are marked, so that a server started without --demo can
-- revoke them and a demo server can honour them only while every stored batch is synthetic.
-- Tokens issued by earlier demo servers carried the label 'demo'.

alter table api_token add column demo boolean not null default false;

update api_token set demo = true where label = 'demo';
